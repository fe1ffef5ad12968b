FROM python:3.11-slim
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends make && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md Makefile manage.py ./
COPY studio studio
COPY accounts accounts
COPY conversations conversations
COPY teams teams
COPY galleries galleries
COPY moderation moderation
COPY usage usage
COPY upstream upstream
COPY templates templates
COPY static static
COPY locale locale
COPY scripts scripts
RUN make install
ENV HOST=0.0.0.0
# The worker's allocator settings (Makefile, `worker`): images freed go back to the system.
ENV MALLOC_MMAP_THRESHOLD_=1048576 MALLOC_ARENA_MAX=2
EXPOSE 8000
CMD ["make", "web"]
