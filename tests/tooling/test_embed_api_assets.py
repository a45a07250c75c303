"""cmake/embed_api_assets.py: what the build embeds for /openapi.json and /docs."""

import importlib.util
import json
import pathlib

import pytest

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("embed_api_assets", REPO_ROOT / "cmake" / "embed_api_assets.py")
embed = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(embed)


def test_the_yaml_becomes_compact_json_with_its_keys_in_document_order():
    text = embed.openapi_json("openapi: 3.1.0\ninfo:\n  title: t\n  version: '1'\npaths: {}\nx: [1.50, 'é']\n")
    assert text == '{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{},"x":[1.5,"é"]}'
    assert json.loads(text)["x"][1] == "é"


def test_what_is_not_an_openapi_document_is_refused():
    with pytest.raises(ValueError, match="not an OpenAPI document"):
        embed.openapi_json("- just\n- a list\n")


def test_raw_literals_hold_quotes_backslashes_and_newlines_unchanged():
    text = 'a "quoted" \\n backslash\nand )" a close'
    assert embed.raw_literal(text) == f'R"api_asset({text})api_asset"'


@pytest.mark.parametrize("bad", [')api_asset"', "nul\0", "cr\r\n"])
def test_what_a_raw_literal_cannot_hold_is_refused(bad):
    with pytest.raises(ValueError):
        embed.raw_literal(bad)


TAG = '<script src="https://cdn.redocly.com/redoc/v2.5.3/bundles/redoc.standalone.js"></script>'


def test_the_cdn_script_tag_becomes_the_script_itself():
    page = embed.inline_redoc(f"<head>{TAG}</head>", "var s = '</script>';", "2.5.3")
    assert page == "<head><script>var s = '<\\/script>';</script></head>"


@pytest.mark.parametrize("page, version, complaint", [
    ("<head></head>", "2.5.3", "expected one Redoc script tag"),
    (f"{TAG}{TAG}", "2.5.3", "expected one Redoc script tag"),
    (TAG, "2.6.0", "the page wants Redoc 2.5.3, the bundle is 2.6.0"),
    (f'{TAG}<link rel="stylesheet" href="https://fonts.example/x.css">', "2.5.3", "still loads"),
])
def test_a_page_that_would_still_fetch_something_is_refused(page, version, complaint):
    with pytest.raises(ValueError, match=complaint):
        embed.inline_redoc(page, "bundle", version)


def fake_redoc_package(directory: pathlib.Path) -> pathlib.Path:
    (directory / "bundles").mkdir(parents=True)
    (directory / "package.json").write_text('{"version": "2.5.3"}', encoding="utf-8")
    (directory / "bundles" / "redoc.standalone.js").write_text("/* redoc */", encoding="utf-8")
    return directory


def test_the_output_is_rewritten_only_when_it_changes(tmp_path):
    openapi = tmp_path / "openapi.yaml"
    page = tmp_path / "page.html"
    output = tmp_path / "out" / "api_assets.cpp"
    openapi.write_text("openapi: 3.1.0\npaths: {}\n", encoding="utf-8")
    page.write_text(f"<html>\r\n{TAG}\r\n</html>\r\n", encoding="utf-8")
    arguments = ["--openapi", str(openapi), "--docs-html", str(page), "--output", str(output),
                 "--redoc-package", str(fake_redoc_package(tmp_path / "redoc"))]
    assert embed.main(arguments) == 0
    written = output.read_text(encoding="utf-8")
    assert 'openapi_json = R"api_asset({"openapi":"3.1.0","paths":{}})api_asset"' in written
    assert "<html>\n<script>/* redoc */</script>\n</html>\n" in written  # CRLF folded, script inline
    stamp = output.stat().st_mtime_ns
    assert embed.main(arguments) == 0
    assert output.stat().st_mtime_ns == stamp


def test_a_missing_input_is_a_one_line_error(tmp_path, capsys):
    assert embed.main(["--openapi", str(tmp_path / "none.yaml"), "--docs-html", str(tmp_path / "p.html"),
                       "--redoc-package", str(tmp_path), "--output", str(tmp_path / "o.cpp")]) == 1
    assert capsys.readouterr().err.startswith("embed_api_assets: ")
