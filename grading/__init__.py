"""The grader of embedding-katas: find the code, run the hidden suite in isolation,
collect results, report. `grader.py` at the top of the project is its command line."""
