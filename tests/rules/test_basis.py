"""rules/basis.py: the articles the rules cite are public documents, named with their 文号."""

from dibao_cli.rules import basis


def test_every_basis_names_a_public_document():
    """民发〔2021〕57号 and the documents beside it: each citation names its document or the province."""
    texts = {k: v for k, v in vars(basis).items() if k.isupper()}
    assert len(texts) == 16
    for name, text in texts.items():
        assert any(mark in text for mark in ("〔", "《", "青海省", "GB ")), name
