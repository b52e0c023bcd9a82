DROP TABLE checkpoint_unmet_spans;
