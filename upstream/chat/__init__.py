"""Chat-completions image models: request bodies (request), answers (answers), the stream."""
