"""The staffing engine: plain Python (no Django). Erlang C and A, forecasts, simulation,
shift scheduling. The Django app around it only reads files and shows results."""
