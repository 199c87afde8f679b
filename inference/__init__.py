"""Sketch to picture at run time: generator networks, rasterizer, model registry, generate task."""
