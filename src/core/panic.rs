//! A caught panic's payload as text. Ticks and scripted actors run inside
//! `catch_unwind` boundaries so that one bug ends a run (or one actor's
//! step) with a report instead of a crash; this is how they say what broke.

/// What a caught panic said.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}
