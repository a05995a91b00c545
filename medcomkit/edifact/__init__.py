"""The EDIFACT codec: MedCom's DIS91, REF01, BIN01 and CTL01–03 in UN/EDIFACT syntax 3 (UNOC)."""
