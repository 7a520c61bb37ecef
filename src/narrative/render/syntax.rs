//! The variant text syntax, read in one place so the renderer and the
//! linter can never disagree about it: literal text, `#symbol#` references
//! and `{slot}` substitutions, either with trailing modifiers
//! (`#symbol.capitalize#`, `{name.a}`). There is no escape: a text with a
//! lone `#` or `{` is unterminated, which both report.

/// The modifiers, by the name a reference writes after a dot.
pub const MODIFIERS: [&str; 2] = ["capitalize", "a"];

/// What a modifier does to the text it follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Modifier {
    /// Upper-cases the first character.
    Capitalize,
    /// Prefixes "a " or "an ".
    Article,
}

impl Modifier {
    fn named(name: &str) -> Option<Modifier> {
        match name {
            "capitalize" => Some(Modifier::Capitalize),
            "a" => Some(Modifier::Article),
            _ => None,
        }
    }
}

/// A reference: a name and the modifiers after it, still as written
/// (`.a.capitalize`), so reading one allocates nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ref<'t> {
    pub name: &'t str,
    mods: &'t str,
}

impl<'t> Ref<'t> {
    /// Splits trailing modifier segments off `inner`. The first segment is
    /// always part of the name, so a symbol called `a` is still reachable.
    fn read(inner: &'t str) -> Ref<'t> {
        let mut cut = inner.len();
        while let Some(dot) = inner[..cut].rfind('.') {
            if dot == 0 || Modifier::named(&inner[dot + 1..cut]).is_none() {
                break;
            }
            cut = dot;
        }
        Ref {
            name: &inner[..cut],
            mods: &inner[cut..],
        }
    }

    /// The modifiers, in the order they apply (left to right).
    pub fn modifiers(&self) -> impl Iterator<Item = Modifier> + 't {
        self.mods.split('.').filter_map(Modifier::named)
    }
}

/// One piece of a variant text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'t> {
    Text(&'t str),
    Symbol(Ref<'t>),
    Slot(Ref<'t>),
}

/// An opening `#` or `{` with no closing mark after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unterminated;

/// The pieces of `text`, in order; the first unterminated mark ends it.
pub fn pieces(text: &str) -> Pieces<'_> {
    Pieces { rest: text }
}

/// Iterator over a text's pieces (see [`pieces`]).
pub struct Pieces<'t> {
    rest: &'t str,
}

impl<'t> Iterator for Pieces<'t> {
    type Item = Result<Piece<'t>, Unterminated>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.rest;
        if rest.is_empty() {
            return None;
        }
        let start = rest.find(['#', '{']).unwrap_or(rest.len());
        if start > 0 {
            self.rest = &rest[start..];
            return Some(Ok(Piece::Text(&rest[..start])));
        }
        Some(self.reference())
    }
}

impl<'t> Pieces<'t> {
    /// Reads the reference that starts `rest` (with `#` or `{`: `next`
    /// returned the text before it).
    fn reference(&mut self) -> Result<Piece<'t>, Unterminated> {
        let rest = self.rest;
        let (close, symbol) = if rest.starts_with('#') {
            ('#', true)
        } else {
            ('}', false)
        };
        let Some(len) = rest[1..].find(close) else {
            self.rest = "";
            return Err(Unterminated);
        };
        let inner = Ref::read(&rest[1..1 + len]);
        self.rest = &rest[len + 2..];
        Ok(if symbol {
            Piece::Symbol(inner)
        } else {
            Piece::Slot(inner)
        })
    }
}

/// Applies `m` to `out[start..]` (the text the reference produced).
pub fn apply(m: Modifier, out: &mut String, start: usize) {
    let Some(first) = out[start..].chars().next() else {
        return;
    };
    match m {
        Modifier::Capitalize => {
            let upper: String = first.to_uppercase().collect();
            out.replace_range(start..start + first.len_utf8(), &upper);
        }
        Modifier::Article => {
            let vowel = matches!(first.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u');
            out.insert_str(start, if vowel { "an " } else { "a " });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<Result<Piece<'_>, Unterminated>> {
        pieces(text).collect()
    }

    #[test]
    fn pieces_in_order() {
        let got = all("Hi #who.capitalize#, {name}!");
        assert_eq!(got.len(), 5);
        assert_eq!(got[0], Ok(Piece::Text("Hi ")));
        let Ok(Piece::Symbol(who)) = got[1] else {
            panic!("{got:?}")
        };
        assert_eq!(who.name, "who");
        assert_eq!(who.modifiers().collect::<Vec<_>>(), [Modifier::Capitalize]);
        assert!(matches!(got[3], Ok(Piece::Slot(r)) if r.name == "name"));
        assert_eq!(got[4], Ok(Piece::Text("!")));
    }

    #[test]
    fn modifiers_split_off_the_end_only() {
        let r = Ref::read("born.chronicle.a.capitalize");
        assert_eq!(r.name, "born.chronicle");
        let mods: Vec<_> = r.modifiers().collect();
        assert_eq!(mods, [Modifier::Article, Modifier::Capitalize]);
        assert_eq!(Ref::read("a").name, "a");
        assert_eq!(Ref::read("a.a").name, "a");
        assert_eq!(Ref::read("x.plural").name, "x.plural");
        assert_eq!(Ref::read("").name, "");
    }

    #[test]
    fn unterminated_marks() {
        assert_eq!(all("a #b"), [Ok(Piece::Text("a ")), Err(Unterminated)]);
        assert_eq!(all("{x"), [Err(Unterminated)]);
        assert_eq!(all("a } b"), [Ok(Piece::Text("a } b"))]);
        assert!(matches!(all("##")[0], Ok(Piece::Symbol(r)) if r.name.is_empty()));
    }

    #[test]
    fn modifiers_apply() {
        let mut s = String::from("x: owl");
        apply(Modifier::Article, &mut s, 3);
        assert_eq!(s, "x: an owl");
        apply(Modifier::Capitalize, &mut s, 3);
        assert_eq!(s, "x: An owl");
        let mut t = String::from("raven");
        apply(Modifier::Article, &mut t, 0);
        assert_eq!(t, "a raven");
        let mut e = String::from("x");
        apply(Modifier::Capitalize, &mut e, 1);
        assert_eq!(e, "x");
    }
}
