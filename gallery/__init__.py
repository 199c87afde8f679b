"""The gallery game: classrooms, kid profiles, artworks, stars, badges, challenges, streaks."""
