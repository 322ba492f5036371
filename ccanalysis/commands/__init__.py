"""The CLI's commands that have grown past a function in `ccanalysis.cli`: each module defines
`add_parser(sub, common)` (its argparse sub-command) and the function it runs. Only `ccanalysis.cli`
imports them."""
