"""The neutral model: messages, identifiers, markup, threads and receipts, with no wire format.
Codecs read into it and build from it; it imports only medcomkit.core.
"""
