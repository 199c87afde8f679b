#!/bin/bash
# Retrain the six starter models for children's drawings (issues 11 and 12): robust world
# datasets (each picture drawn clean, doodled, plain and by other hands), the child
# augmentations (doodles, retracing, plain outlines), colour hints; then score every new model
# on the wild-drawings suite. Meant for a machine with a GPU and about 16 cores: the datasets
# are painted in parallel on the CPUs, the six small generators train side by side on the GPU.
# The new versions are candidates; promote each that beats its predecessor with
# `python manage.py promote <category> $VERSION`.
# Sizes come from the environment; the defaults below fit about 12 minutes on an H200 box.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-python}
COUNT=${COUNT:-600}            # world pictures per category (10 % held out for validation)
DRAWINGS=${DRAWINGS:-3}        # drawings of each training picture
STEPS=${STEPS:-3000}
BATCH=${BATCH:-8}
DEVICE=${DEVICE:-cuda}
IMAGE_SIZE=${IMAGE_SIZE:-256}
WORKERS=${WORKERS:-2}          # data loader processes per run (the augmentations run there)
VERSION=${VERSION:-kids-1}
CATEGORIES=${CATEGORIES:-"panda car shoe gemstone space maplestory"}
LOGS=${LOGS:-var/retrain}
export DJANGO_DEBUG=${DJANGO_DEBUG:-1} OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
mkdir -p "$LOGS"
"$PY" manage.py migrate --noinput > "$LOGS/migrate.log"  # datasets and models are registered

for category in $CATEGORIES; do
    "$PY" manage.py make_world_dataset "$category" --count "$COUNT" --name "$category-kids" \
        --robust --drawings-per-picture "$DRAWINGS" --overwrite --verbosity 0 \
        > "$LOGS/$category-dataset.log" 2>&1 &
done
wait

for category in $CATEGORIES; do
    shape=()
    # the gemstone's stones are wider than the small generator sees at two halvings
    [ "$category" = gemstone ] && shape=(--generator-args '{"n_downsampling": 3}')
    "$PY" manage.py train "$category" --dataset "$category-kids" --generator small "${shape[@]}" \
        --steps "$STEPS" --batch-size "$BATCH" --image-size "$IMAGE_SIZE" --lambda-l1 100 \
        --ndf 32 --hints --num-workers "$WORKERS" --device "$DEVICE" --version "$VERSION" \
        --verbosity 0 > "$LOGS/$category-train.log" 2>&1 &
done
wait

models=()
for category in $CATEGORIES; do models+=("${MODELS_DIR:-models}/$category/$VERSION.safetensors"); done
"$PY" manage.py quality --count "${QUALITY_COUNT:-24}" --also "${models[@]}" \
    --json "$LOGS/quality.json" | tee "$LOGS/quality.txt"
