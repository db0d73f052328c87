"""The verifier's judgement, below the renderers: each good's legal basis, misstatements quantified per good against
materiality, the classes of a verification, the verifier's own decisions, the suggested opinion, the risk analysis
(sensitivities) and the difference between two submissions."""
