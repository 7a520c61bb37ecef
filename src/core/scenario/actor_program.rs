//! A script compiled for running: nested `Repeat`s become loop markers with
//! jumps, patterns are compiled once, and every op keeps the path of the
//! step it came from (`actors[0].steps[2].steps[1]`) for error reports.

use regex::Regex;

use super::actors::{Step, Who};

/// What a message wait accepts.
#[derive(Clone, Debug)]
pub struct MessagePattern {
    pub from: Option<Who>,
    pub text: Option<String>,
    pub regex: Option<Regex>,
}

impl MessagePattern {
    /// Whether `text` says what the pattern asks (the sender is checked by
    /// the caller, who can resolve names).
    pub fn says(&self, text: &str) -> bool {
        self.text.as_deref().is_none_or(|t| text.contains(t))
            && self.regex.as_ref().is_none_or(|r| r.is_match(text))
    }
}

#[derive(Clone, Debug)]
pub enum Code {
    /// An `Act`, `Say`, `WaitMessage`, `WaitEvent` or `Assert` step.
    Step(Step),
    /// A message wait, with its pattern compiled.
    WaitMessage(MessagePattern),
    /// Start of a loop: `slot` counts its rounds; `end` is the index of its
    /// `LoopEnd`.
    LoopStart {
        slot: usize,
        times: Option<u32>,
        end: usize,
    },
    /// End of a loop: back to `start`.
    LoopEnd { start: usize },
}

#[derive(Clone, Debug)]
pub struct Op {
    /// Where the step is written, for messages.
    pub path: String,
    pub code: Code,
    /// The step as written (for its retry policy and label).
    pub step: Step,
}

/// A compiled script: its ops and how many loop counters it needs.
#[derive(Clone, Debug, Default)]
pub struct Program {
    pub ops: Vec<Op>,
    pub loops: usize,
}

impl Program {
    /// Compiles `steps` (validated: regexes compile); `path` is the
    /// actor's path in the scenario (`actors[0]`).
    pub fn compile(path: &str, steps: &[Step]) -> Result<Program, (String, String)> {
        let mut p = Program::default();
        p.add(&format!("{path}.steps"), steps)?;
        Ok(p)
    }

    fn add(&mut self, path: &str, steps: &[Step]) -> Result<(), (String, String)> {
        for (i, step) in steps.iter().enumerate() {
            let here = format!("{path}[{i}]");
            match step {
                Step::Repeat { times, steps } => {
                    let slot = self.loops;
                    self.loops += 1;
                    let start = self.ops.len();
                    self.ops.push(Op {
                        path: here.clone(),
                        code: Code::LoopStart {
                            slot,
                            times: *times,
                            end: 0,
                        },
                        step: step.clone(),
                    });
                    self.add(&format!("{here}.steps"), steps)?;
                    let end = self.ops.len();
                    self.ops.push(Op {
                        path: here,
                        code: Code::LoopEnd { start },
                        step: step.clone(),
                    });
                    if let Code::LoopStart { end: e, .. } = &mut self.ops[start].code {
                        *e = end;
                    }
                }
                Step::WaitMessage {
                    from, text, regex, ..
                } => {
                    let regex = regex
                        .as_deref()
                        .map(Regex::new)
                        .transpose()
                        .map_err(|e| (format!("{here}.regex"), e.to_string()))?;
                    self.ops.push(Op {
                        path: here,
                        code: Code::WaitMessage(MessagePattern {
                            from: from.clone(),
                            text: text.clone(),
                            regex,
                        }),
                        step: step.clone(),
                    });
                }
                _ => self.ops.push(Op {
                    path: here,
                    code: Code::Step(step.clone()),
                    step: step.clone(),
                }),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loops_jump_to_their_ends() {
        let text = r#"[
            Say(to: Me, text: "a"),
            Repeat(times: 2, steps: [Say(to: Me, text: "b"), Repeat(steps: [Say(to: Me, text: "c")])]),
            WaitMessage(regex: "^d+$", timeout_ticks: 3),
        ]"#;
        let ron = ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
        let steps: Vec<Step> = ron.from_str(text).unwrap();
        let p = Program::compile("actors[0]", &steps).unwrap();
        assert_eq!(p.loops, 2);
        let shape: Vec<String> = p
            .ops
            .iter()
            .map(|o| match &o.code {
                Code::Step(_) => "s".to_string(),
                Code::WaitMessage(_) => "w".to_string(),
                Code::LoopStart { end, .. } => format!("[{end}"),
                Code::LoopEnd { start } => format!("{start}]"),
            })
            .collect();
        assert_eq!(shape, ["s", "[6", "s", "[5", "s", "3]", "1]", "w"]);
        assert_eq!(p.ops[4].path, "actors[0].steps[1].steps[1].steps[0]");
        let Code::WaitMessage(m) = &p.ops[7].code else {
            panic!("a wait")
        };
        assert!(m.says("ddd") && !m.says("dx"));
        let bad: Vec<Step> = ron
            .from_str(r#"[WaitMessage(regex: "(", timeout_ticks: 1)]"#)
            .unwrap();
        let (field, _) = Program::compile("actors[1]", &bad).unwrap_err();
        assert_eq!(field, "actors[1].steps[0].regex");
    }
}
