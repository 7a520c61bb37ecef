//! Taking what the source sent since the last frame: the latest [`Frame`]
//! (older ones it replaced are only counted), the events for the Events
//! panel's ring, the zones' tension ([`Tension`]: measured with the frame,
//! or folded from the `director` events), and the notices the panels
//! answer. Everything that draws runs after [`ReceiveSet`] and reads
//! [`Latest`].

use bevy::prelude::*;

use super::events_panel::EventRing;
use super::feed::{Command, Feed, Frame, Info, Notice};
use super::tension::Tension;

/// The window's end of the feed, and the world as the source described it.
#[derive(Resource)]
pub struct Link {
    feed: Feed,
    pub info: Info,
    /// Why the last command could not be sent.
    pub refused: Option<String>,
}

impl Link {
    pub fn new(feed: Feed, info: Info) -> Link {
        Link {
            feed,
            info,
            refused: None,
        }
    }

    /// Sends a command; a refusal is kept for the Run panel to show.
    pub fn send(&mut self, command: Command) -> bool {
        match self.feed.send(command) {
            Ok(()) => {
                self.refused = None;
                true
            }
            Err(e) => {
                self.refused = Some(e);
                false
            }
        }
    }
}

/// The frame being shown.
#[derive(Resource, Debug, Default)]
pub struct Latest {
    pub frame: Frame,
    /// A new frame arrived this window frame: mirrors redo their work only then.
    pub changed: bool,
    /// Frames the source replaced before the window took them.
    pub skipped: u64,
    /// Events dropped by the mailbox because the window was slow to take them.
    pub dropped_events: u64,
    /// The source has ended (a closed connection, a finished thread).
    pub closed: bool,
    /// Any frame at all has arrived.
    pub started: bool,
}

/// Notices not yet handled by the panel they are for.
#[derive(Resource, Debug, Default)]
pub struct Notices(pub Vec<Notice>);

#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReceiveSet;

pub struct ReceivePlugin;

impl Plugin for ReceivePlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Latest>()
            .init_resource::<Notices>()
            .init_resource::<Tension>()
            .add_systems(First, receive.in_set(ReceiveSet));
    }
}

fn receive(
    link: Res<Link>,
    mut latest: ResMut<Latest>,
    mut notices: ResMut<Notices>,
    mut ring: Option<ResMut<EventRing>>,
    mut tension: ResMut<Tension>,
) {
    let d = link.feed.take();
    latest.changed = false;
    // Events before the frame: they are of its tick or earlier, and a
    // measured frame's reading must be the last word.
    for l in &d.events {
        tension.take_event(&l.event);
    }
    if let Some(frame) = d.frame {
        tension.take_frame(frame.tick, &frame.direction);
        latest.frame = frame;
        latest.changed = true;
        latest.started = true;
    }
    latest.skipped = d.skipped_frames;
    latest.dropped_events = d.dropped_events;
    latest.closed = d.closed;
    if let Some(ring) = ring.as_deref_mut() {
        for l in d.events {
            ring.push(l.event, l.zone);
        }
    }
    notices.0.extend(d.notices);
    // Bounded: notices nobody handles (a panel not shown) must not pile up.
    let over = notices.0.len().saturating_sub(64);
    notices.0.drain(..over);
}
