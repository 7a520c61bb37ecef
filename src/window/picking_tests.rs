use super::*;

fn ray(from: Vec3, towards: Vec3) -> Ray3d {
    Ray3d::new(from, Dir3::new(towards - from).expect("a direction"))
}

#[test]
fn a_ray_hits_a_cube_at_its_face_and_misses_beside_it() {
    let cube = Transform::from_xyz(10.0, 0.0, 0.0);
    let r = ray(Vec3::ZERO, Vec3::new(10.0, 0.0, 0.0));
    let d = ray_cube(r, &cube, 1.0).expect("straight at it");
    assert!((d - 9.0).abs() < 1e-5, "the near face is 9 away, got {d}");
    // Past the face's edge, though inside the bounding sphere.
    let beside = ray(Vec3::new(0.0, 1.2, 0.0), Vec3::new(10.0, 1.2, 0.0));
    assert_eq!(ray_cube(beside, &cube, 1.0), None);
    // Behind the origin.
    let away = ray(Vec3::ZERO, Vec3::new(-1.0, 0.0, 0.0));
    assert_eq!(ray_cube(away, &cube, 1.0), None);
    // From inside.
    assert_eq!(
        ray_cube(r, &Transform::from_xyz(0.0, 0.0, 0.0), 1.0),
        Some(0.0)
    );
}

#[test]
fn scale_and_rotation_of_the_transform_count() {
    let r = ray(Vec3::new(0.0, 2.5, 0.0), Vec3::new(10.0, 2.5, 0.0));
    let plain = Transform::from_xyz(10.0, 0.0, 0.0);
    assert_eq!(ray_cube(r, &plain, 1.0), None, "2.5 above a cube of half 1");
    let tall = plain.with_scale(Vec3::new(1.0, 3.0, 1.0));
    assert!(
        ray_cube(r, &tall, 1.0).is_some(),
        "scaled to half 3 upwards"
    );
    // Turned 45° about the vertical: the near edge comes √2 closer.
    let turned = plain.with_rotation(Quat::from_rotation_y(std::f32::consts::FRAC_PI_4));
    let straight = ray(Vec3::ZERO, Vec3::new(10.0, 0.0, 0.0));
    let d = ray_cube(straight, &turned, 1.0).expect("hits the edge");
    assert!((d - (10.0 - 2f32.sqrt())).abs() < 1e-4, "got {d}");
}

#[test]
fn the_nearest_of_several_hits_wins_in_any_order() {
    let far = Transform::from_xyz(0.0, 0.0, -50.0);
    let near = Transform::from_xyz(0.0, 0.0, -20.0);
    let aside = Transform::from_xyz(30.0, 0.0, -5.0);
    let r = ray(Vec3::ZERO, Vec3::new(0.0, 0.0, -1.0));
    let a = [(1, &far), (2, &near), (3, &aside)];
    let b = [(3, &aside), (2, &near), (1, &far)];
    assert_eq!(nearest(r, 1.0, a).map(|h| h.0), Some(2));
    assert_eq!(nearest(r, 1.0, b).map(|h| h.0), Some(2));
    assert_eq!(nearest(r, 1.0, [(3, &aside)]), None);
    // Two agents in one place: the lower id, whatever the order.
    let twin = near;
    assert_eq!(
        nearest(r, 1.0, [(9, &near), (4, &twin)]).map(|h| h.0),
        Some(4)
    );
}

#[test]
fn ten_thousand_agents_pick_the_right_one() {
    // A 100 × 100 field of cubes 3 m apart, seen from above at an angle.
    let field: Vec<(u64, Transform)> = (0..10_000u64)
        .map(|i| {
            let (x, z) = ((i % 100) as f32 * 3.0, (i / 100) as f32 * 3.0);
            (i, Transform::from_xyz(x, 0.5, z))
        })
        .collect();
    let eye = Vec3::new(150.0, 200.0, 400.0);
    let target = Vec3::new(42.0, 0.5, 99.0); // agent 33 * 100 + 14
    let r = ray(eye, target);
    let start = std::time::Instant::now();
    let hit = nearest(r, 0.5, field.iter().map(|(id, t)| (*id, t)));
    let took = start.elapsed();
    eprintln!("a pick over 10k agents took {took:?}");
    assert_eq!(hit.map(|h| h.0), Some(3314));
}

#[test]
fn a_click_is_a_press_that_stays_put() {
    let mut t = ClickTracker::default();
    t.press(Vec2::new(100.0, 100.0));
    t.moved(Vec2::new(102.0, 101.0));
    assert!(
        t.release(Vec2::new(101.0, 100.0)),
        "jitter is still a click"
    );

    t.press(Vec2::new(100.0, 100.0));
    t.moved(Vec2::new(160.0, 100.0));
    assert!(
        !t.release(Vec2::new(100.0, 100.0)),
        "a drag that came back is still a drag"
    );

    t.press(Vec2::new(0.0, 0.0));
    t.cancel();
    assert!(!t.release(Vec2::new(0.0, 0.0)), "a cancelled press");
    assert!(!t.release(Vec2::ZERO), "no press, no click");

    t.press(Vec2::ZERO);
    assert!(!t.release(Vec2::new(CLICK_SLOP + 0.5, 0.0)));
}
