"""The sentences that narrate the analyses, in Chinese and English, generated from numbers."""
