"""The knowledge base: articles (versions, translations, visibility), their search, the public
help centre's data (feedback, search log) and answers from articles for the bot."""
