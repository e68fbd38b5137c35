"""Fitting a sheet: the largest step of the type ladder that fits, rows left out only at 14 pt, lists split."""

from __future__ import annotations

from sheets.html import sheet_plan
from sheets.render import POSTER_STEPS, STEPS, _Fitter, cut_css, part_css, split_bounds


def snapshot(conditions=3, materials=5, steps=2) -> dict:
    def section(key, unit, rows, more=0):
        return {"key": key, "label": key, "style": "list", "rows": rows, "unit": unit, "more": more}

    return {
        "kind": "item",
        "sections": [
            section("conditions", "项条件", [f"条件{i}" for i in range(conditions)]),
            section("materials", "项材料", [{"main": f"材料{i}", "detail": ""} for i in range(materials)], more=1),
            section("steps", "个步骤", [f"步骤{i}" for i in range(steps)]),
        ],
    }


def test_rows_are_left_out_from_the_longest_section_first_and_never_a_sections_last():
    sections, plan = sheet_plan(snapshot())
    assert plan["cuts"] == ["materials", "materials", "conditions", "materials", "conditions", "materials", "steps"]
    materials = sections[1]
    assert [row["cut"] for row in materials["rows"]] == [0, 6, 4, 2, 1]
    assert [note["count"] for note in materials["notes"]] == [1, 2, 3, 4, 5]
    assert [note["shown"] for note in materials["notes"]] == [True, False, False, False, False]  # the editor's 1


def test_what_is_left_out_is_said_and_recorded():
    _sections, plan = sheet_plan(snapshot())
    css, left_out = cut_css(plan, 0)
    assert (css, left_out) == ("", ["1项材料"])
    css, left_out = cut_css(plan, 3)
    assert left_out == ["3项材料", "1项条件"]
    assert '[data-cut="3"]' in css and "#more-materials-3{display:block}" in css


def test_a_list_splits_into_parts_of_about_equal_length():
    assert split_bounds([10] * 10, 2) == [0, 5, 10]
    assert split_bounds([50, 10, 10, 10, 10, 10], 2) == [0, 1, 6]
    css = part_css([0, 5, 10], 2)
    assert "#part-2-2{display:inline}" in css and '[data-seq="4"]' in css and '[data-seq="5"]' not in css


class Ladder(_Fitter):
    """A sheet that fits one page from a given step down, counting layout passes."""

    def __init__(self, fits_from: int):
        super().__init__(lambda level: "", 1)
        self.fits_from, self.passes = fits_from, 0

    def fits(self, level, css=""):
        self.passes += 1
        return level >= self.fits_from


def test_the_ladder_goes_from_18_to_14_pt_in_half_points_and_the_poster_from_20_to_16():
    assert STEPS == (18.0, 17.5, 17.0, 16.5, 16.0, 15.5, 15.0, 14.5, 14.0)
    assert POSTER_STEPS[0] == 20.0 and POSTER_STEPS[-1] == 16.0 and len(POSTER_STEPS) == len(STEPS)


def test_the_largest_step_that_fits_is_found_whatever_the_hint():
    levels = list(range(len(STEPS)))
    for fits_from in levels:
        for hint in levels:
            ladder = Ladder(fits_from)
            assert ladder.largest(levels, ladder.fits, hint) == fits_from, (fits_from, hint)
            # Nine steps searched in halves; a right hint (the step the last edition needed) costs two.
            assert ladder.passes <= (2 if hint == fits_from else 5), (fits_from, hint)
    ladder = Ladder(len(STEPS))
    assert ladder.largest(levels, ladder.fits, 0) is None
