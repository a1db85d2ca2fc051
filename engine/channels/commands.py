"""``journey-studio channels``: list, add, test and remove channel accounts, headless.

Secrets (passwords, tokens, signing keys) are never taken from the command line, where they would
stay in the shell history and be visible to other users in the process list: ``channels add`` asks
for them at a hidden prompt when standard input is a terminal, and otherwise reads them from
standard input, one ``field=value`` per line (``printf 'password=%s\\n' "$PW" | journey-studio
channels add ...``). They go straight to the system keyring.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from typing import Any, TextIO

from engine.cli import non_negative
from engine.errors import ChannelAccountInvalid, SecretStoreUnavailable


def add_commands(sub: argparse._SubParsersAction,
                 workspace_options: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``channels list|kinds|add|test|remove|fetch-unsubscribes|fetch-replies``."""
    group = sub.add_parser("channels", help="connect email, SMS, webhook and chat accounts (secrets go to "
                                            "the system keyring)",
                           description="Connect the accounts messages go out through. Settings are kept in "
                                       "the workspace; passwords and tokens only in the system keyring.")
    workspace_options(group)
    actions = group.add_subparsers(dest="channels_action", metavar="ACTION")
    group.set_defaults(handler=lambda _args: _usage(group))

    p = actions.add_parser("list", help="the channel accounts, their settings and which secrets are set")
    p.add_argument("--json", action="store_true", help="print JSON")
    workspace_options(p)
    p.set_defaults(handler=cmd_list)

    p = actions.add_parser("kinds", help="the kinds of account and the fields each needs")
    p.add_argument("kind", nargs="?", metavar="KIND", help="only this kind")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=cmd_kinds)

    p = actions.add_parser("add", help="add an account; secrets are asked for (or read from standard input)",
                           description="Add a channel account. Secret fields are asked for at a hidden prompt, "
                                       "or read from standard input as field=value lines when it is not a "
                                       "terminal; they are never accepted as --set.")
    p.add_argument("id", metavar="ID", help="the account id Send nodes refer to, e.g. email-main")
    p.add_argument("--kind", required=True, metavar="KIND", help="smtp, twilio, webhook, slack, teams, wecom, "
                                                               "dingtalk or simulated (see 'channels kinds')")
    p.add_argument("--name", required=True, metavar="NAME", help="a name to show, unique in the workspace")
    p.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", dest="settings",
                   help="a setting (not a secret); repeat for each")
    p.add_argument("--rate", type=non_negative, default=0, metavar="N", help="at most N messages a minute (0: no limit)")
    workspace_options(p)
    p.set_defaults(handler=cmd_add)

    p = actions.add_parser("test", help="test the connection (log in, nothing is sent to a customer)")
    p.add_argument("id", metavar="ID")
    workspace_options(p)
    p.set_defaults(handler=cmd_test)

    p = actions.add_parser("remove", help="remove an account and its secrets from the keyring")
    p.add_argument("id", metavar="ID")
    p.add_argument("--force", action="store_true",
                   help="remove the account even when the keyring cannot be reached (its secrets, if any, stay "
                        "in the keyring)")
    workspace_options(p)
    p.set_defaults(handler=cmd_remove)

    p = actions.add_parser("fetch-unsubscribes", help="read the unsubscribe mailboxes and record the opt-outs")
    p.add_argument("id", nargs="?", metavar="ID", help="only this account")
    workspace_options(p)
    p.set_defaults(handler=cmd_fetch_unsubscribes)

    p = actions.add_parser("fetch-replies", help="read the replies to SMS accounts and record the STOPs as opt-outs")
    p.add_argument("id", nargs="?", metavar="ID", help="only this account")
    workspace_options(p)
    p.set_defaults(handler=cmd_fetch_replies)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _open(args: argparse.Namespace, *, write: bool):
    from engine.cli import workspace_location
    from engine.store.workspace import Workspace

    return Workspace.open(workspace_location(args), create=write, read_only=not write)


# ---------------------------------------------------------------------------------------------
# list, kinds
# ---------------------------------------------------------------------------------------------


def _secrets_state(store, account_id: str) -> dict[str, bool] | None:
    from engine.errors import SecretStoreUnavailable

    try:
        return store.secrets_present(account_id)
    except SecretStoreUnavailable:
        return None


def cmd_list(args: argparse.Namespace) -> int:
    from engine.channels.accounts import AccountStore

    with _open(args, write=False) as ws:
        store = AccountStore(ws)
        rows = []
        for info in store.list():
            rows.append({"id": info.id, "name": info.name, "kind": info.kind, "channel_kind": info.channel_kind,
                         "rate_per_minute": info.rate_per_minute, "settings": info.settings,
                         "secrets": _secrets_state(store, info.id), "created_at": info.created_at.isoformat(),
                         "updated_at": info.updated_at.isoformat(), "label": info.label})
    if args.json:
        _out(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not rows:
        _out("no channel accounts; add one with 'journey-studio channels add'")
        return 0
    for row in rows:
        rate = f"{row['rate_per_minute']}/min" if row["rate_per_minute"] else "no rate limit"
        _out(f"{row['id']}  {row['name']}  ({row['label']}, {rate})")
        for key, value in row["settings"].items():
            _out(f"    {key} = {value}")
        secrets = row["secrets"]
        if secrets is None:
            _out("    secrets: the system keyring cannot be read")
        elif secrets:
            _out("    secrets: " + ", ".join(f"{k} {'set' if v else 'not set'}" for k, v in secrets.items()))
    return 0


def cmd_kinds(args: argparse.Namespace) -> int:
    from engine.channels.accounts import AccountStore
    from engine.channels.kinds import KINDS, kind

    keys = [kind(args.kind).key] if args.kind else list(KINDS)
    described = []
    for key in keys:
        provider = KINDS[key]
        described.append({"kind": key, "label": provider.label, "channel_kind": provider.channel_kind,
                          "description": provider.description,
                          "fields": [{"name": f.name, "label": f.label, "type": f.type, "required": f.required,
                                      "default": f.default, "choices": list(f.choices), "help": f.help}
                                     for f in AccountStore.fields(key)]})
    if args.json:
        _out(json.dumps(described, indent=2, ensure_ascii=False))
        return 0
    for entry in described:
        _out(f"{entry['kind']}: {entry['label']} ({entry['channel_kind']}) — {entry['description']}")
        for f in entry["fields"]:
            notes = [f["type"]]
            if f["required"]:
                notes.append("required")
            if f["default"] not in (None, ""):
                notes.append(f"default {f['default']}")
            if f["type"] == "secret":
                notes.append("asked for, never --set")
            _out(f"    {f['name']:<20} {f['label']} [{', '.join(notes)}]")
    return 0


# ---------------------------------------------------------------------------------------------
# add
# ---------------------------------------------------------------------------------------------


def _parse_settings(items: list[str], secret_names: set[str]) -> dict[str, str]:
    settings: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ChannelAccountInvalid(f"--set needs FIELD=VALUE, not '{name or item[:40]}'")
        if name in secret_names:
            # The value is never repeated: it is a secret, and it is already in the shell history.
            raise ChannelAccountInvalid("is a secret and is never taken from the command line (it would stay in "
                                        "your shell history and be visible to other users); leave it out and "
                                        f"type it at the prompt, or pipe '{name}=…' on standard input",
                                        field=name)
        settings[name] = value
    return settings


def _read_secrets(stream: TextIO, secret_names: set[str]) -> dict[str, str]:
    """``field=value`` lines (blank lines and ``#`` comments skipped); only secret fields."""
    secrets: dict[str, str] = {}
    for number, line in enumerate(stream, 1):
        text = line.rstrip("\r\n")
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        name, sep, value = text.partition("=")
        name = name.strip()
        if not sep:
            raise ChannelAccountInvalid(f"line {number} of standard input is not field=value")
        if name not in secret_names:
            raise ChannelAccountInvalid(f"line {number} of standard input names '{name}', which is not a secret "
                                        f"of this kind (secrets: {', '.join(sorted(secret_names)) or 'none'}); "
                                        "give settings with --set")
        secrets[name] = value
    return secrets


def _prompt_secrets(fields: list[Any], settings: dict[str, str]) -> dict[str, str]:
    secrets: dict[str, str] = {}
    for f in fields:
        if f.name.startswith("imap_") and not settings.get("imap_host"):
            continue  # no mailbox to log in to
        hint = "required" if f.required else "leave empty to skip"
        value = getpass.getpass(f"{f.label} ({hint}): ")
        if value:
            secrets[f.name] = value
    return secrets


def cmd_add(args: argparse.Namespace) -> int:
    from engine.channels.accounts import AccountStore
    from engine.channels.kinds import kind

    provider = kind(args.kind)
    secret_fields = [f for f in AccountStore.fields(provider.key) if f.secret]
    names = {f.name for f in secret_fields}
    settings = _parse_settings(args.settings, names)
    if not secret_fields:
        secrets: dict[str, str] = {}
    elif sys.stdin is not None and sys.stdin.isatty():
        secrets = _prompt_secrets(secret_fields, settings)
    else:
        secrets = _read_secrets(sys.stdin, names) if sys.stdin is not None else {}
    with _open(args, write=True) as ws:
        info = AccountStore(ws).add(args.id, args.name, provider.key, settings, secrets, rate_per_minute=args.rate)
    stored = f"; {len(secrets)} secret{'s' if len(secrets) != 1 else ''} in the system keyring" if secrets else ""
    _out(f"added {info.label} account '{info.id}' ({info.name}){stored}")
    return 0


# ---------------------------------------------------------------------------------------------
# test, remove, fetch-unsubscribes, fetch-replies
# ---------------------------------------------------------------------------------------------


def cmd_test(args: argparse.Namespace) -> int:
    from engine.channels.accounts import AccountStore
    from engine.channels.base import ChannelResult

    with _open(args, write=False) as ws:
        channel = AccountStore(ws).open_channel(args.id)
    check = getattr(channel, "check", None)
    if check is None:
        _out(f"{args.id}: this kind of account has no connection test")
        return 0
    result: ChannelResult = check()
    if result.status == "sent":
        _out(f"{args.id}: ok" + (f" ({result.reason})" if result.reason else ""))
        return 0
    code = f" [{result.code}]" if result.code else ""
    _out(f"{args.id}: failed{code}: {result.reason or 'no reason given'}")
    return 1


def cmd_remove(args: argparse.Namespace) -> int:
    from engine.channels.accounts import AccountStore

    with _open(args, write=True) as ws:
        store = AccountStore(ws)
        info = store.get(args.id)
        try:
            store.remove(args.id)
        except SecretStoreUnavailable as exc:
            if not args.force:
                raise SecretStoreUnavailable(f"{exc.message}; 'channels remove {args.id} --force' removes the "
                                             "account anyway and leaves its secrets, if any, in the keyring") from exc
            store.remove(args.id, keep_secrets_if_unavailable=True)
            _out(f"removed account '{info.id}' ({info.name}); the keyring could not be reached, so any secrets "
                 "it had are still there")
            return 0
    _out(f"removed account '{info.id}' ({info.name}) and its secrets")
    return 0


def cmd_fetch_unsubscribes(args: argparse.Namespace) -> int:
    from engine.channels.imap import fetch_all_unsubscribes, fetch_unsubscribes

    with _open(args, write=True) as ws:
        results: dict[str, int | str] = {args.id: fetch_unsubscribes(ws, args.id)} if args.id \
            else fetch_all_unsubscribes(ws)
    if not results:
        _out("no account has an unsubscribe mailbox (set imap_host on an SMTP account)")
        return 0
    return _report_opt_outs(results)


def _report_opt_outs(results: dict[str, int | str]) -> int:
    """A line per account: the opt-outs it brought, or why it could not be read (exit 1 then)."""
    failed = False
    for account, outcome in results.items():
        if isinstance(outcome, int):
            _out(f"{account}: {outcome} new opt-out{'s' if outcome != 1 else ''}")
        else:
            failed = True
            _out(f"{account}: {outcome}")
    return 1 if failed else 0


def cmd_fetch_replies(args: argparse.Namespace) -> int:
    from engine.channels.accounts import AccountStore
    from engine.channels.sms_replies import fetch_all_sms_replies, fetch_sms_replies, reply_source

    with _open(args, write=True) as ws:
        if args.id:
            store = AccountStore(ws)
            if reply_source(store, args.id) is None:
                _out(f"{args.id}: sends from a sender ID, which cannot receive replies; nothing to read")
                return 0
            results: dict[str, int | str] = {args.id: fetch_sms_replies(ws, args.id, store=store)}
        else:
            results = fetch_all_sms_replies(ws)
    if not results:
        _out("no SMS account can receive replies (add a 'twilio' account that sends from a phone number)")
        return 0
    return _report_opt_outs(results)
