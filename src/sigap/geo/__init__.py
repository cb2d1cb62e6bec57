"""Geography: boundary index (point → kelurahan), spatial SQL for both databases."""
