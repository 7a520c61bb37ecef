use super::*;
use crate::assault::profile::{Profile, ProfileChoice, View, ZoneBox};
use crate::core::protocol::check::check_action;
use crate::core::protocol::{ActionMsg, ClientMsg, parse_client};

fn view() -> View {
    View {
        me: Some(10),
        pos: [100.0, 100.0],
        zone: 1,
        nearby: vec![11, 12, 13],
        size: [1000.0, 800.0],
        zones: vec![
            ZoneBox {
                id: 1,
                min: [0.0, 0.0],
                max: [500.0, 800.0],
            },
            ZoneBox {
                id: 2,
                min: [500.0, 0.0],
                max: [1000.0, 800.0],
            },
        ],
    }
}

fn plays(profile: Profile, client: u64, n: usize, view: &View) -> Vec<Planned> {
    let mut b = Behaviour::new(profile, 1, client);
    (0..n).map(|_| b.next(view)).collect()
}

fn step_len(view: &View, p: &Planned) -> f32 {
    dist(view.pos, [p.args.x.unwrap(), p.args.y.unwrap()])
}

#[test]
fn every_action_is_a_frame_the_server_accepts() {
    let views = [view(), View::default()];
    for v in &views {
        for profile in Profile::ALL {
            for (i, p) in plays(profile, 3, 400, v).into_iter().enumerate() {
                let msg = ClientMsg::Action(ActionMsg {
                    req_id: i as u64 + 1,
                    kind: p.kind,
                    args: p.args,
                });
                let text = serde_json::to_string(&msg).unwrap();
                match parse_client(&text) {
                    Ok(back) => assert_eq!(back, msg, "{text}"),
                    Err(r) => panic!("{profile:?} sent {text}: {}", r.message),
                }
                // And passes the server's door check: griefers break rules
                // that governance judges, not the protocol.
                let ClientMsg::Action(a) = &msg else {
                    unreachable!()
                };
                if let Err(r) = check_action(a) {
                    panic!("{profile:?} sent {text}: {}", r.message);
                }
            }
        }
    }
}

#[test]
fn trader_trades_with_its_neighbours_at_sane_prices() {
    let v = view();
    let trades: Vec<Planned> = plays(Profile::Trader, 5, 500, &v)
        .into_iter()
        .filter(|p| p.kind == ActionKindMsg::Trade)
        .collect();
    assert!(trades.len() > 200, "{} trades in 500 actions", trades.len());
    for t in &trades {
        assert!(v.nearby.contains(&t.args.with.unwrap()), "{t:?}");
        let goods = t.args.goods.unwrap() as u32;
        let price = t.args.price.unwrap();
        assert!((1..=5).contains(&goods) && (5 * goods..=20 * goods).contains(&price));
    }
    // Alone, a trader does what it can without a partner.
    let alone = View {
        nearby: vec![],
        ..view()
    };
    for p in plays(Profile::Trader, 5, 100, &alone) {
        assert!(p.args.with.is_none(), "{p:?}");
    }
}

#[test]
fn honest_profiles_step_within_the_speed_limit() {
    let v = view();
    for profile in [
        Profile::Trader,
        Profile::Fighter,
        Profile::Chatter,
        Profile::Explorer,
    ] {
        for p in plays(profile, 8, 500, &v) {
            if p.kind == ActionKindMsg::Move {
                assert!(step_len(&v, &p) <= 0.4, "{profile:?}: {p:?}");
            }
            if let Some(chat) = &p.args.text {
                assert!(chat.len() <= 200);
            }
            if let Some(price) = p.args.price {
                assert!(price <= 100);
            }
            assert_eq!(
                p.args.actor, None,
                "{profile:?} commands only its own entity"
            );
            assert_eq!(p.pace, Pace::Think);
        }
    }
}

#[test]
fn griefer_breaks_rules_on_purpose() {
    let v = view();
    let acts = plays(Profile::Griefer, 2, 300, &v);
    let teleports = acts
        .iter()
        .filter(|p| p.kind == ActionKindMsg::Move && step_len(&v, p) > 100.0)
        .count();
    let absurd_trades = acts
        .iter()
        .filter(|p| p.kind == ActionKindMsg::Trade && p.args.price.unwrap() >= 1 << 30)
        .count();
    let long_chats = acts
        .iter()
        .filter(|p| p.kind == ActionKindMsg::Chat && p.args.text.as_ref().unwrap().len() > 200)
        .count();
    let impersonations = acts
        .iter()
        .filter(|p| p.args.actor.is_some_and(|a| v.nearby.contains(&a)))
        .count();
    assert!(impersonations > 10, "{impersonations} commands for others");
    assert!(teleports > 20, "{teleports} teleports");
    assert!(absurd_trades > 20, "{absurd_trades} absurd trades");
    assert!(long_chats > 20, "{long_chats} over-long chats");
    // Spam comes in bursts: more chats back to back than chat_spam allows
    // in its window (3 per 30 ticks).
    let burst = acts
        .windows(SPAM_BURST as usize)
        .find(|w| w.iter().all(|p| p.kind == ActionKindMsg::Chat))
        .expect("a burst of chats");
    let quick = burst.iter().filter(|p| p.pace == Pace::Quick).count();
    assert!(quick >= 3, "{burst:?}");
    // Teleports stay inside a known world.
    for p in acts.iter().filter(|p| p.kind == ActionKindMsg::Move) {
        let (x, y) = (p.args.x.unwrap(), p.args.y.unwrap());
        assert!((-5.0..=1005.0).contains(&x) && (-5.0..=805.0).contains(&y));
    }
}

#[test]
fn explorer_travels_to_other_zones() {
    let v = view();
    let travels: Vec<u16> = plays(Profile::Explorer, 4, 300, &v)
        .iter()
        .filter(|p| p.kind == ActionKindMsg::Travel)
        .map(|p| p.args.zone.unwrap())
        .collect();
    assert!(!travels.is_empty());
    assert!(travels.iter().all(|z| *z == 2), "{travels:?}");
}

#[test]
fn choices_are_seeded_per_client() {
    let v = view();
    assert_eq!(
        plays(Profile::Chatter, 7, 50, &v),
        plays(Profile::Chatter, 7, 50, &v)
    );
    assert_ne!(
        plays(Profile::Chatter, 7, 50, &v),
        plays(Profile::Chatter, 8, 50, &v)
    );
    let mut a = Behaviour::new(Profile::Trader, 1, 0);
    let mut b = Behaviour::new(Profile::Trader, 2, 0);
    let da: Vec<Duration> = (0..8).map(|_| a.jitter(Duration::from_secs(1))).collect();
    let db: Vec<Duration> = (0..8).map(|_| b.jitter(Duration::from_secs(1))).collect();
    assert_ne!(da, db, "the seed matters");
    for d in da {
        assert!(d >= Duration::from_millis(500) && d < Duration::from_millis(1500));
    }
}

#[test]
fn mixed_covers_every_profile_early() {
    let first: Vec<Profile> = (0..5).map(|i| ProfileChoice::Mixed.for_client(i)).collect();
    for p in Profile::ALL {
        assert!(first.contains(&p), "{p:?} missing from {first:?}");
    }
    let tally = |p: Profile| {
        (0..1000)
            .filter(|i| ProfileChoice::Mixed.for_client(*i) == p)
            .count()
    };
    assert_eq!(tally(Profile::Explorer), 300);
    assert_eq!(tally(Profile::Griefer), 100);
    assert_eq!(ProfileChoice::Fighter.for_client(3), Profile::Fighter);
    for (i, p) in Profile::ALL.iter().enumerate() {
        assert_eq!(p.index(), i);
    }
}

#[test]
fn a_weighted_mix_keeps_its_proportions_spread_out() {
    use crate::assault::weighted_cycle;
    let cycle = weighted_cycle(&[
        (Profile::Trader, 3),
        (Profile::Griefer, 1),
        (Profile::Chatter, 0),
    ]);
    assert_eq!(
        cycle,
        [
            Profile::Trader,
            Profile::Trader,
            Profile::Griefer,
            Profile::Trader
        ]
    );
    let even = weighted_cycle(&[(Profile::Fighter, 2), (Profile::Explorer, 2)]);
    assert_eq!(
        even,
        [
            Profile::Fighter,
            Profile::Explorer,
            Profile::Fighter,
            Profile::Explorer
        ]
    );
    assert!(weighted_cycle(&[(Profile::Fighter, 0)]).is_empty());
}
