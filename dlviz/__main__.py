from dlviz.cli import run

run()
