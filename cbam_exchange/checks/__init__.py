"""Checks on a submission: schema validation, a catalogue of rules with stable codes, findings and waivers."""
