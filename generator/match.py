"""Stage: match campaigns to the materials and lessons that fit their topics and audiences.

Ranking is deliberately simple and explainable to an organizer: a material qualifies by sharing
a topic with the campaign; among those, more shared audiences and topics rank first.
"""
from __future__ import annotations

from .model import Campaign, Material, Project


def materials_for(campaign: Campaign, project: Project) -> list[Material]:
    topics, audiences = set(campaign.topics), set(campaign.audiences)
    chosen = {m.id: m for m in project.materials if topics & set(m.topics)}
    for extra in campaign.materials:
        chosen.setdefault(extra, project.material[extra])

    def rank(m: Material):
        return (-len(audiences & set(m.audiences)), -len(topics & set(m.topics)), m.id)

    return sorted(chosen.values(), key=rank)


def campaigns_for_village(village_id: str, project: Project) -> list[Campaign]:
    return [c for c in project.campaigns if any(v.id == village_id for v in project.campaign_villages(c))]
