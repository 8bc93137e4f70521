"""E-mail in and out of the FOI mailbox: parsing, import (IMAP and files) and sending."""
