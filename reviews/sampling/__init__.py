"""The monthly sample: how many per agent and stratum (`allocation`, pure Python), which
interactions (`draw`, set-based SQL), and who reviews them (`assignment`)."""
