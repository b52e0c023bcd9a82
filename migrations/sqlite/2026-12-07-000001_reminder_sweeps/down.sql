DROP TABLE reminder_sweeps;
