import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.tokenizer import DutchTokenizer


@pytest.fixture(scope="module")
def tokenizer():
    return DutchTokenizer(DutchTokenizer.get_default_config())


def _tokens(tokenizer, text):
    return [token.text for token in tokenizer.tokenize(Message(data={"text": text}), "text")]


def test_keeps_emoji_and_drops_punctuation(tokenizer):
    assert _tokens(tokenizer, "wc verstopt!!! 😡😡") == ["wc", "verstopt", "😡", "😡"]


def test_keeps_dutch_clitics_postcodes_and_house_numbers_whole(tokenizer):
    assert _tokens(tokenizer, "m'n cv-ketel 's avonds 1234AB 12-1") == [
        "m'n",
        "cv-ketel",
        "'s",
        "avonds",
        "1234AB",
        "12-1",
    ]


def test_offsets_point_into_the_original_text(tokenizer):
    text = "De  kraan lekt."
    for token in tokenizer.tokenize(Message(data={"text": text}), "text"):
        assert text[token.start : token.end] == token.text


def test_a_message_of_only_punctuation_still_has_a_token(tokenizer):
    assert _tokens(tokenizer, " ??? ") == ["???"]
