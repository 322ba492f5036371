"""Collections through contact centres: placements, attempts and payments (issue 15)."""
