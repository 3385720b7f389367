import base64
import io

from django.core.management import call_command

from irum.vault.keys import parse_keyring


def test_keygen_prints_a_key_the_keyring_accepts():
    out = io.StringIO()
    call_command("vault-keygen", "--id", "k1", stdout=out)
    ring = parse_keyring(out.getvalue())
    assert ring.active_id == "k1" and len(ring.keys["k1"]) == 32


def test_two_keys_are_never_the_same():
    a, b = io.StringIO(), io.StringIO()
    call_command("vault-keygen", stdout=a)
    call_command("vault-keygen", stdout=b)
    assert a.getvalue() != b.getvalue()
    assert len(base64.b64decode(a.getvalue().strip())) == 32
