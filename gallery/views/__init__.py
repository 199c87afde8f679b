"""The gallery's pages, one module per area: join, art, keep, teacher, challenges, home."""
