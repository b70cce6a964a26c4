//! Sizes: which enum variants are boxed (estimated `size_of`) and the fewest
//! bytes a value takes on the wire (bounds for vector counts).

use super::*;

impl Generator<'_> {
    // ----- sizing ---------------------------------------------------------------

    /// Estimated `size_of` of a field, or None when it would recurse into an enum
    /// still being sized (so the variant holding it must be boxed).
    pub(super) fn size_of_kind(
        &mut self,
        k: &Kind,
        optional: bool,
        stack: &mut Vec<String>,
    ) -> Option<usize> {
        let size = match k {
            Kind::Int => {
                if optional {
                    8
                } else {
                    4
                }
            }
            Kind::Long | Kind::Double => {
                if optional {
                    16
                } else {
                    8
                }
            }
            Kind::Bool | Kind::True => 1,
            Kind::String | Kind::Bytes | Kind::Vector { .. } => 24,
            Kind::Int128 => 16 + usize::from(optional),
            Kind::Int256 => 32 + usize::from(optional),
            Kind::Generic(_) => 8,
            Kind::Enum(name) => self.size_of_enum(&name.clone(), stack)?,
            Kind::BareCtor(i) => self.size_of_ctor(*i, stack)? + if optional { 8 } else { 0 },
        };
        Some(size)
    }

    pub(super) fn size_of_ctor(&mut self, idx: usize, stack: &mut Vec<String>) -> Option<usize> {
        let def = self.defs[idx].def;
        let mut total = 0;
        for p in &def.params {
            if let ParameterKind::Normal { ty, flag } = &p.kind {
                let k = self.field_kind(ty);
                total += self.size_of_kind(&k, flag.is_some(), stack)?;
            }
        }
        Some(total.div_ceil(8) * 8)
    }

    pub(super) fn size_of_enum(&mut self, name: &str, stack: &mut Vec<String>) -> Option<usize> {
        if let Some(&s) = self.enum_size.get(name) {
            return Some(s);
        }
        if stack.iter().any(|s| s == name) {
            return None;
        }
        stack.push(name.to_string());
        let mut largest = 0;
        for idx in self.ctors_by_type.get(name).cloned().unwrap_or_default() {
            let variant = if self.defs[idx].def.params.is_empty() {
                0
            } else {
                match self.size_of_ctor(idx, stack) {
                    Some(s) if s <= INLINE_LIMIT => s,
                    _ => {
                        self.boxed.insert(idx);
                        8
                    }
                }
            };
            largest = largest.max(variant);
        }
        stack.pop();
        let size = 8 + largest;
        self.enum_size.insert(name.to_string(), size);
        Some(size)
    }

    /// The smallest encoding of one element, to bound vector counts.
    pub(super) fn min_size(&self, k: &Kind) -> usize {
        match k {
            Kind::True => 0,
            Kind::Long | Kind::Double => 8,
            Kind::Int128 => 16,
            Kind::Int256 => 32,
            Kind::Vector { bare: true, .. } => 4,
            Kind::Vector { bare: false, .. } => 8,
            Kind::BareCtor(i) => {
                let def = self.defs[*i].def;
                def.params
                    .iter()
                    .filter(|p| match &p.kind {
                        ParameterKind::Flags => true,
                        ParameterKind::Normal { ty, flag } => flag.is_none() && ty.name != "true",
                    })
                    .count()
                    * 4
            }
            _ => 4,
        }
    }

    /// The fewest bytes constructor `idx`'s fields take on the wire.
    pub(super) fn min_bare_size(&self, idx: usize) -> usize {
        self.defs[idx]
            .def
            .params
            .iter()
            .map(|p| match &p.kind {
                ParameterKind::Flags => 4,
                ParameterKind::Normal { flag: Some(_), .. } => 0,
                ParameterKind::Normal { ty, flag: None } => match self.field_kind(ty) {
                    Kind::True => 0,
                    Kind::BareCtor(i) if i != idx => self.min_bare_size(i),
                    k => self.min_size(&k),
                },
            })
            .sum()
    }
}
