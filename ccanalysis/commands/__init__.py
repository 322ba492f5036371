"""The CLI's commands that have grown past a function in `ccanalysis.cli`: each module defines
`add_parser(sub, common)` (its argparse sub-command) and the function it runs. Only `ccanalysis.cli`
imports them."""

from datetime import date


def as_of_day(text: str | None) -> date:
    """A command's `--as-of YYYY-MM-DD` (`morning.parse_day`: UsageError naming the flag otherwise); today
    when not given."""
    from ccanalysis.errors import UsageError
    from ccanalysis.morning import parse_day

    if text is None:
        return date.today()
    try:
        return parse_day(text)
    except UsageError:
        raise UsageError(f"--as-of: expected a date YYYY-MM-DD, got {text!r}") from None
