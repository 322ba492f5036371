"""The batch: planning reports, running notebooks through papermill, writing HTML and results."""
