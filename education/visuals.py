"""Pictures and tables inside a lesson body, written as data, not drawn by hand.

A lesson body (Markdown) may hold blocks of YAML between a ``::: kind`` line
and a ``:::`` line:

``::: figure``
    a diagram shipped in ``static/education/diagrams/<image>.svg``, with
    ``alt`` text and a ``caption``.
``::: icon-array``
    "about N out of 100" beside its placebo figure: ``people``, ``outcome``,
    ``treated`` and ``placebo`` (whole numbers 0-100), ``label`` (the
    treatment's short name) and a ``title``. The 100 figures are generated
    from the numbers.
``::: option-grid``
    a comparison table: a ``caption``, ``columns`` (``key`` and ``label``)
    and ``rows``, each with an ``option`` and text for every column.

The blocks are part of the body, so a change to them is a change to the
lesson and publishes a new version like any other edit. This module parses
and checks the blocks and builds what the templates in
``templates/components/`` draw; it never touches the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml
from django.contrib.staticfiles import finders
from django.utils.translation import gettext as _

KINDS = ("figure", "icon-array", "option-grid")
DIAGRAM_DIR = "education/diagrams"
IMAGE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_BLOCK = re.compile(r"^::: *([a-z-]+) *\n(.*?)^::: *$", re.M | re.S)
PLACEHOLDER = "VISUALBLOCK{}X"
_PLACEHOLDER = re.compile(r"<p>VISUALBLOCK(\d+)X</p>|VISUALBLOCK(\d+)X")

# The icon array: 10 by 10 figures per group.
PER_ROW = 10
CELL = 20


class VisualError(ValueError):
    """A block that cannot be drawn, with a message an editor can act on."""


@dataclass(frozen=True)
class Block:
    kind: str
    data: dict | None
    error: str = ""


@dataclass(frozen=True)
class Figure:
    image: str
    alt: str
    caption: str

    @property
    def path(self) -> str:
        return f"{DIAGRAM_DIR}/{self.image}.svg"

    def texts(self) -> list[str]:
        return [self.alt, self.caption]


@dataclass(frozen=True)
class Icon:
    x: int
    y: int
    filled: bool


@dataclass(frozen=True)
class IconGroup:
    label: str
    count: int
    icons: tuple[Icon, ...]
    x: int


@dataclass(frozen=True)
class IconArray:
    title: str
    people: str
    outcome: str
    label: str
    treated: int
    placebo: int

    @property
    def text_alternative(self) -> str:
        return _(
            "About %(treated)s out of 100 %(people)s %(outcome)s, "
            "compared with about %(placebo)s out of 100 on placebo."
        ) % {
            "treated": self.treated,
            "people": self.people,
            "outcome": self.outcome,
            "placebo": self.placebo,
        }

    def groups(self) -> tuple[IconGroup, IconGroup]:
        width = PER_ROW * CELL
        return (
            IconGroup(self.label, self.treated, icon_grid(self.treated), 0),
            IconGroup(_("Placebo"), self.placebo, icon_grid(self.placebo), width + 2 * CELL),
        )

    def texts(self) -> list[str]:
        return [self.title, self.text_alternative]


@dataclass(frozen=True)
class GridCell:
    label: str
    text: str


@dataclass(frozen=True)
class GridRow:
    option: str
    cells: tuple[GridCell, ...]


@dataclass(frozen=True)
class OptionGrid:
    caption: str
    option_label: str
    columns: tuple[tuple[str, str], ...]
    rows: tuple[GridRow, ...]

    def texts(self) -> list[str]:
        texts = [self.caption]
        for row in self.rows:
            texts.append(row.option)
            texts.extend(cell.text for cell in row.cells)
        return texts


def icon_grid(count: int) -> tuple[Icon, ...]:
    """100 figures, row by row from the top left; the first ``count`` filled."""
    return tuple(
        Icon(x=(i % PER_ROW) * CELL, y=(i // PER_ROW) * CELL, filled=i < count) for i in range(100)
    )


def extract(body: str) -> tuple[str, list[Block]]:
    """The body with each block replaced by a placeholder paragraph, and the
    blocks in order (a block that does not parse carries its error)."""
    blocks: list[Block] = []

    def replace(match: re.Match) -> str:
        kind, raw = match.group(1), match.group(2)
        try:
            data = yaml.safe_load(raw)
        except yaml.YAMLError:
            data = None
        if kind not in KINDS:
            blocks.append(Block(kind, None, _("Unknown block “%(kind)s”.") % {"kind": kind}))
        elif not isinstance(data, dict):
            blocks.append(Block(kind, None, _("The %(kind)s block is not valid.") % {"kind": kind}))
        else:
            blocks.append(Block(kind, data))
        return "\n\n" + PLACEHOLDER.format(len(blocks) - 1) + "\n\n"

    return _BLOCK.sub(replace, body or ""), blocks


def replace_placeholders(html: str, render) -> str:
    """Each placeholder replaced by ``render(index)``."""
    return _PLACEHOLDER.sub(lambda m: render(int(m.group(1) or m.group(2))), html)


def placeholder_index(text: str) -> int | None:
    match = re.fullmatch(r"VISUALBLOCK(\d+)X", text.strip())
    return int(match.group(1)) if match else None


def _text(data: dict, key: str, kind: str) -> str:
    value = data.get(key)
    if not isinstance(value, str | int | float) or not str(value).strip():
        raise VisualError(_("The %(kind)s block needs “%(key)s”.") % {"kind": kind, "key": key})
    return " ".join(str(value).split())


def _count(data: dict, key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise VisualError(
            _("The icon array needs “%(key)s”, a whole number from 0 to 100.") % {"key": key}
        )
    return value


@lru_cache(maxsize=64)
def diagram_exists(image: str) -> bool:
    return bool(IMAGE_NAME.match(image)) and finders.find(f"{DIAGRAM_DIR}/{image}.svg") is not None


def parse_figure(data: dict) -> Figure:
    image = _text(data, "image", "figure")
    if not diagram_exists(image):
        raise VisualError(_("There is no diagram called “%(image)s”.") % {"image": image})
    return Figure(
        image=image, alt=_text(data, "alt", "figure"), caption=_text(data, "caption", "figure")
    )


def parse_icon_array(data: dict) -> IconArray:
    kind = "icon-array"
    return IconArray(
        title=_text(data, "title", kind),
        people=_text(data, "people", kind),
        outcome=_text(data, "outcome", kind),
        label=_text(data, "label", kind),
        treated=_count(data, "treated"),
        placebo=_count(data, "placebo"),
    )


def parse_option_grid(data: dict) -> OptionGrid:
    kind = "option-grid"
    columns = data.get("columns")
    rows = data.get("rows")
    if not isinstance(columns, list) or not columns or not isinstance(rows, list) or not rows:
        raise VisualError(_("The option grid needs “columns” and “rows”."))
    pairs = tuple(
        (_text(c, "key", kind), _text(c, "label", kind)) for c in columns if isinstance(c, dict)
    )
    if len(pairs) != len(columns):
        raise VisualError(_("Each column of the option grid needs a “key” and a “label”."))
    grid_rows = []
    for row in rows:
        if not isinstance(row, dict):
            raise VisualError(_("Each row of the option grid needs an “option”."))
        option = _text(row, "option", kind)
        missing = [label for key, label in pairs if not str(row.get(key) or "").strip()]
        if missing:
            raise VisualError(
                _("The row “%(option)s” has nothing under: %(columns)s.")
                % {"option": option, "columns": ", ".join(missing)}
            )
        cells = tuple(GridCell(label, " ".join(str(row[key]).split())) for key, label in pairs)
        grid_rows.append(GridRow(option=option, cells=cells))
    return OptionGrid(
        caption=_text(data, "caption", kind),
        option_label=_text(data, "option_label", kind),
        columns=pairs,
        rows=tuple(grid_rows),
    )


PARSERS = {"figure": parse_figure, "icon-array": parse_icon_array, "option-grid": parse_option_grid}


def parse(block: Block):
    """The drawable value of a block, or VisualError."""
    if block.error:
        raise VisualError(block.error)
    return PARSERS[block.kind](block.data)


def problems(body: str) -> list[str]:
    """One message per block that cannot be drawn (a content rule)."""
    messages = []
    for block in extract(body)[1]:
        try:
            parse(block)
        except VisualError as exc:
            messages.append(str(exc))
    return messages


def block_texts(block: Block) -> list[str]:
    """The words a patient reads in a block, for reading-level checks."""
    try:
        return parse(block).texts()
    except VisualError:
        return []
