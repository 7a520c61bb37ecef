//! The Story section drawn by egui itself (no window, no GPU: egui lays out
//! and tessellates on the CPU), read back from the text it paints, and
//! clicked with pointer events the way a mouse does.

use std::collections::BTreeMap;

use bevy_egui::egui::{self, Pos2, RawInput, Rect, Shape, Vec2};

use super::*;
use crate::core::agent::EntityId;
use crate::events::Event;

const ME: u64 = 5;
const FOE: u64 = 7;

fn event(seq: u64, actor: u64, cause: Option<u64>, payload: Payload) -> Event {
    Event {
        seq,
        tick: seq * 10,
        actor: Some(EntityId(actor)),
        target: None,
        cause,
        correlation: None,
        depth: 1,
        payload,
        handles: (None, None),
    }
}

/// A life: wounded (seq 2) by an attack (seq 1), told as a beat (seq 3).
fn ring() -> EventRing {
    let mut ring = EventRing::new(64);
    ring.push(event(1, FOE, None, Payload::Attack { damage: 9 }), None);
    let wound = Payload::Damage {
        amount: 9,
        health: 41.0,
    };
    ring.push(event(2, ME, Some(1), wound), None);
    let beat = Payload::Beat {
        beat: "first_wound".into(),
        salience: 40,
    };
    ring.push(event(3, ME, Some(2), beat), None);
    ring
}

fn story() -> StoryView {
    StoryView {
        name: "Odrun Vell".into(),
        traits: Some(Traits {
            vengeance: 200,
            devotion: 10,
            ambition: 90,
            warmth: 30,
        }),
        goal: Some(GoalView {
            goal: "revenge".into(),
            target: Some(FOE),
            target_name: Some("Maro Quill".into()),
            adopted_seq: Some(3),
            ..GoalView::default()
        }),
        chronicle: BTreeMap::from([(
            "harm".into(),
            SlotView {
                seq: 3,
                beat: Some("first_wound".into()),
            },
        )]),
        tallies: BTreeMap::from([("wounds".into(), 1), ("trades".into(), 0)]),
    }
}

/// Every text egui painted, with where.
fn texts(shapes: &[egui::epaint::ClippedShape]) -> Vec<(String, Rect)> {
    fn walk(shape: &Shape, out: &mut Vec<(String, Rect)>) {
        match shape {
            Shape::Text(t) => out.push((
                t.galley.text().to_string(),
                t.galley.rect.translate(t.pos.to_vec2()),
            )),
            Shape::Vec(all) => all.iter().for_each(|s| walk(s, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    shapes.iter().for_each(|c| walk(&c.shape, &mut out));
    out
}

/// One frame of the section with `input`: what it painted and what was
/// clicked.
fn frame(
    ctx: &egui::Context,
    input: Vec<egui::Event>,
    cited: Option<u64>,
) -> (Vec<(String, Rect)>, Clicked) {
    let (story, ring) = (story(), ring());
    let raw = RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, Vec2::new(900.0, 900.0))),
        events: input,
        ..RawInput::default()
    };
    let mut clicked = Clicked::default();
    let mut out = ctx.run_ui(raw, |ui| {
        story_ui(ui, ME, &story, &ring, cited, &mut clicked);
    });
    // No renderer takes the font atlas here.
    out.textures_delta.clear();
    (texts(&out.shapes), clicked)
}

/// Presses and releases the primary button over the text `label`.
fn click(ctx: &egui::Context, label: &str) -> Clicked {
    let (painted, _) = frame(ctx, Vec::new(), None);
    let at = painted
        .iter()
        .find(|(t, _)| t == label)
        .unwrap_or_else(|| panic!("{label:?} is painted: {painted:?}"))
        .1
        .center();
    let button = |pressed| egui::Event::PointerButton {
        pos: at,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    };
    let _ = frame(ctx, vec![egui::Event::PointerMoved(at), button(true)], None);
    frame(ctx, vec![button(false)], None).1
}

#[test]
fn the_section_paints_the_life_as_warbler_holds_it() {
    let ctx = egui::Context::default();
    let _ = frame(&ctx, Vec::new(), None);
    let (painted, _) = frame(&ctx, Vec::new(), None);
    let shown: Vec<&str> = painted.iter().map(|(t, _)| t.as_str()).collect();
    for expected in [
        "Story of Odrun Vell",
        "traits: vengeance 200, devotion 10, ambition 90, warmth 30",
        "goal: revenge",
        "against Maro Quill #7",
        "harm:",
        "first_wound #3",
        "a life of: wounds 1",
        "tick 30: first_wound (cites #2)",
    ] {
        assert!(shown.contains(&expected), "{expected:?} in {shown:?}");
    }
    assert!(
        !shown.iter().any(|t| t.contains("trades")),
        "a zero tally is left out: {shown:?}"
    );
    assert!(!shown.iter().any(|t| t.starts_with("why")), "{shown:?}");
}

#[test]
fn clicking_the_foe_selects_it_and_clicking_a_beat_shows_why() {
    let ctx = egui::Context::default();
    let foe = click(&ctx, "against Maro Quill #7");
    assert_eq!(foe.entity, Some(FOE));
    assert_eq!(foe.event, None);
    let beat = click(&ctx, "tick 30: first_wound (cites #2)");
    assert_eq!(beat.event, Some(2), "the beat's cause is picked");
    assert_eq!(beat.entity, None);

    // With it picked, the section shows the cause chain the ring holds.
    let (painted, _) = frame(&ctx, Vec::new(), Some(2));
    let shown: Vec<&str> = painted.iter().map(|(t, _)| t.as_str()).collect();
    assert!(shown.contains(&"why #2:"), "{shown:?}");
    let chain: Vec<&&str> = shown
        .iter()
        .filter(|t| t.contains("attack") || t.contains("damage"))
        .collect();
    assert_eq!(chain.len(), 2, "the attack, then the wound: {shown:?}");
}
