"""The load benchmark (manage.py bench_load) and the scratch servers the fault tests share."""
