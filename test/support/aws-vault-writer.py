"""Writes aws-vault's stores the way its keyring library does, with code that is not tfmfa's.

    aws-vault-writer.py file DIR          encrypted files: one compact JWE (jwcrypto, PBES2-HS256+A128KW + A256GCM)
    aws-vault-writer.py secret-service    the Secret Service collection 'awsvault' (python3-secretstorage/jeepney)

The items come as JSON on stdin: [{"key": "...", "credentials": {...}} | {"key": "...", "raw": "..."}].
"credentials" is Go's aws.Credentials JSON, wrapped in a keyring item ({"Key", "Data": base64, "Label", ...});
"raw" is written as the item's value as is. The passphrase (file) comes in AWS_VAULT_WRITER_PASSPHRASE,
the new collection's password (secret-service) in AWS_VAULT_WRITER_COLLECTION_PASSWORD.
"""
import base64
import json
import os
import sys


def keyring_item(entry):
    if "raw" in entry:
        return entry["raw"].encode()
    data = json.dumps(entry["credentials"], separators=(",", ":")).encode()
    item = {
        "Key": entry["key"],
        "Data": base64.b64encode(data).decode(),
        "Label": "aws-vault (%s)" % entry["key"],
        "Description": "",
        "KeychainNotTrustApplication": False,
        "KeychainNotSynchronizable": False,
    }
    return json.dumps(item, separators=(",", ":")).encode()


def write_files(directory, entries):
    from jwcrypto import jwe, jwk

    key = jwk.JWK.from_password(os.environ["AWS_VAULT_WRITER_PASSPHRASE"])
    os.makedirs(directory, mode=0o700, exist_ok=True)
    for entry in entries:
        header = {"alg": "PBES2-HS256+A128KW", "enc": "A256GCM", "created": "2026-12-07 00:00:00 +0000 UTC"}
        token = jwe.JWE(keyring_item(entry), protected=json.dumps(header))
        token.add_recipient(key)
        name = entry["key"].replace("%", "%25").replace("/", "%2F")
        with open(os.path.join(directory, name), "w") as out:
            out.write(token.serialize(compact=True))
        os.chmod(os.path.join(directory, name), 0o600)


def write_secret_service(entries):
    import secretstorage
    from jeepney import DBusAddress, new_method_call
    from secretstorage.util import format_secret, open_session

    connection = secretstorage.dbus_init()
    session = open_session(connection)
    path = "/org/freedesktop/secrets/collection/awsvault"
    collections = [c.collection_path for c in secretstorage.get_all_collections(connection)]
    if path not in collections:
        # gnome-keyring asks for a new collection's password in a GUI prompt; its internal interface takes it
        # directly (what a test without a desktop can do). The path comes from the label, as for aws-vault.
        internal = DBusAddress("/org/freedesktop/secrets", bus_name="org.freedesktop.secrets",
                               interface="org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface")
        secret = format_secret(session, os.environ["AWS_VAULT_WRITER_COLLECTION_PASSWORD"].encode(), "text/plain")
        reply = connection.send_and_get_reply(new_method_call(
            internal, "CreateWithMasterPassword", "a{sv}(oayays)",
            ({"org.freedesktop.Secret.Collection.Label": ("s", "awsvault")}, secret)))
        assert reply.body[0] == path, reply.body
    collection = secretstorage.Collection(connection, path, session)
    for entry in entries:
        # keyring's secretservice.go: label = key, attributes {"profile": key}, content type application/json.
        collection.create_item(entry["key"], {"profile": entry["key"]}, keyring_item(entry), replace=True,
                               content_type="application/json")


def main():
    entries = json.load(sys.stdin)
    if sys.argv[1] == "file":
        write_files(sys.argv[2], entries)
    elif sys.argv[1] == "secret-service":
        write_secret_service(entries)
    else:
        raise SystemExit("unknown store %r" % sys.argv[1])


main()
