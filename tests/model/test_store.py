import json
import os

import pytest

from bot.model.store import LEGACY_STAMP, ModelStore, NothingToRollBackTo


def archive(directory, name, mtime=1000):
    path = directory / f"{name}.tar.gz"
    path.write_bytes(b"model")
    os.utime(path, (mtime, mtime))
    return path


@pytest.fixture()
def store(tmp_path):
    return ModelStore(tmp_path)


def test_without_a_registry_the_newest_archive_is_served(store, tmp_path):
    archive(tmp_path, "old", 1000)
    archive(tmp_path, "new", 2000)
    assert store.served().name == "new.tar.gz"
    assert store.served_fingerprint() is None


def test_a_promoted_model_is_served_even_when_a_newer_archive_exists(store, tmp_path):
    served = archive(tmp_path, "a", 1000)
    store.record_trained(served, "fp-a")
    store.promote(served, note="first model")
    archive(tmp_path, "refused", 2000)
    assert store.served() == served
    assert store.served_fingerprint() == "fp-a"
    assert [event.action for event in store.events()] == ["promotion"]


def test_the_legacy_stamp_is_adopted_as_the_served_model(store, tmp_path):
    model = archive(tmp_path, "legacy", 1000)
    archive(tmp_path, "later", 2000)
    (tmp_path / LEGACY_STAMP).write_text(json.dumps({"fingerprint": "fp-old", "model": model.name}))
    assert store.served() == model
    assert store.served_fingerprint() == "fp-old"


def test_a_refusal_is_remembered_by_fingerprint(store, tmp_path):
    model = archive(tmp_path, "bad")
    store.record_trained(model, "fp-bad")
    store.refuse(model, "intent macro-F1 dropped")
    assert store.refused_with("fp-bad") == "intent macro-F1 dropped"
    assert store.refused_with("fp-other") is None
    assert store.served() == model  # nothing promoted yet: the newest archive, as before
    assert store.events()[0].action == "refused"


def test_rollback_walks_back_through_the_served_models(store, tmp_path):
    a, b, c = (archive(tmp_path, name) for name in "abc")
    for model in (a, b, c):
        store.promote(model)
    target = store.rollback_target()
    assert target == b
    store.roll_back(target)
    assert store.served() == b
    store.roll_back(store.rollback_target())
    assert store.served() == a
    with pytest.raises(NothingToRollBackTo):
        store.rollback_target()
    assert [event.action for event in store.events()][:2] == ["rollback", "rollback"]


def test_rollback_skips_models_no_longer_on_disk(store, tmp_path):
    a, b, c = (archive(tmp_path, name) for name in "abc")
    for model in (a, b, c):
        store.promote(model)
    b.unlink()
    assert store.rollback_target() == a


def test_prune_keeps_the_served_and_the_most_recently_served(store, tmp_path):
    models = [archive(tmp_path, name) for name in "abcd"]
    for model in models:
        store.promote(model)
    refused = archive(tmp_path, "refused")
    store.refuse(refused, "worse")
    removed = store.prune(keep=2)
    assert {path.name for path in removed} == {"a.tar.gz", "b.tar.gz", "refused.tar.gz"}
    assert sorted(p.name for p in tmp_path.glob("*.tar.gz")) == ["c.tar.gz", "d.tar.gz"]
    assert store.served().name == "d.tar.gz"


def test_prune_without_any_promotion_deletes_nothing(store, tmp_path):
    archive(tmp_path, "a")
    assert store.prune(keep=1) == []
    assert (tmp_path / "a.tar.gz").exists()


def test_the_registry_is_written_atomically_as_json(store, tmp_path):
    store.promote(archive(tmp_path, "a"))
    document = json.loads((tmp_path / "registry.json").read_text())
    assert document["served"] == ["a.tar.gz"]
    assert not list(tmp_path.glob("*.tmp"))
