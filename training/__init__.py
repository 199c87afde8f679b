"""Reproduce a category model: edges, datasets, augmentations, discriminators, losses, trainer."""
