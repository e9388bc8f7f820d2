"""A Dutch tokenizer for Rasa that needs no pretrained spaCy model and keeps emoji."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class DutchTokenizer(Tokenizer):
    """Tokenizes with spaCy's rule-based blank Dutch tokenizer.

    Unlike Rasa's WhitespaceTokenizer it splits Dutch clitics and punctuation the
    Dutch way (`'s avonds`, `m'n`, `1234AB`, `12-1`) and keeps emoji as tokens, which
    tenants use as signal (💧 🔥 😡). It loads no model weights: `spacy.blank("nl")`
    ships with spaCy itself.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    @staticmethod
    def required_packages() -> list[str]:
        return ["spacy"]

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        import spacy

        self._nlp = spacy.blank("nl")

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> DutchTokenizer:
        return cls(config)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        """Split the attribute's text into word and emoji tokens, dropping punctuation."""
        text = message.get(attribute)
        doc = self._nlp.make_doc(text)
        tokens = [Token(token.text, token.idx) for token in doc if token.text.strip() and not token.is_punct]
        if not tokens and text.strip():
            # Rasa needs at least one token; a message of only punctuation keeps itself.
            start = len(text) - len(text.lstrip())
            tokens = [Token(text.strip(), start)]
        return self._apply_token_pattern(tokens)
