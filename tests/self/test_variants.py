"""The hidden suite catches every known-wrong variant, fails right-but-slow code only on
its scale checks, and gives full marks to correct code written differently."""

import pytest

from conftest import all_variants


def _lines(records):
    return "\n".join(f"  {r['name']}: [{r['kind']}] {r['message']}" for r in records)


@pytest.mark.parametrize("kata, group, name", all_variants(), ids=lambda v: str(v))
def test_variant_is_judged_right(kata, group, name, variant_records):
    records = variant_records[kata][(group, name)]
    assert records, f"{kata}/{name}: no check ran"
    failing = [r for r in records if not r["passed"]]
    if group == "WRONG":
        assert failing, f"{kata}: the known mistake {name!r} passes every check: the suite misses it"
        assert all(r["kind"] != "internal" for r in failing), _lines(failing)
    elif group == "SLOW":
        assert failing, f"{kata}: the unvectorized {name!r} passes the scale checks"
        other = [r for r in failing if "scale" not in r["name"]]
        assert not other, f"{kata}: the slow but correct {name!r} fails more than scale checks:\n{_lines(other)}"
        assert all(r["kind"] == "timeout" and "vectorize" in r["message"] for r in failing), _lines(failing)
    else:
        assert not failing, f"{kata}: the correct variant {name!r} loses points:\n{_lines(failing)}"
