"""The baseline: a bare Textual app that shows one DataTable (what issue 7 compares with)."""

from textual.app import App, ComposeResult
from textual.widgets import DataTable


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Name", "Owner", "Cost")
        for i in range(40):
            table.add_row(f"Tool {i}", "ana", f"£{i}k")


if __name__ == "__main__":
    Bare().run()
