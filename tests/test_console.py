from lantern.console import progress_bar


def test_without_a_terminal_progress_is_a_line_per_tenth(capsys):
    with progress_bar("Filing", 100) as advance:
        for _ in range(100):
            advance(1)
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 10
    assert lines[0].startswith("Filing: 10/100 (10%)") and "left" in lines[0]
    assert lines[-1].startswith("Filing: 100/100 (100%)")
