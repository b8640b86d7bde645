"""The sentences, titles and labels that narrate cxeval's numbers, in Chinese and English."""
