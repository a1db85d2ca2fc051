"""Channels: how a message reaches the outside world.

:mod:`engine.channels.base` holds the interface the runner calls (:class:`Channel`, :class:`Message`,
:class:`ChannelResult`) and the in-memory :class:`RecordingChannel`; each module beside it is one kind
of channel account.
"""

from engine.channels.base import Channel, ChannelResult, Message, RecordingChannel

__all__ = ["Channel", "ChannelResult", "Message", "RecordingChannel"]
