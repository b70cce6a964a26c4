//! The generated `Peers` walks: which types can hold users or chats, and the
//! impls that collect them.

use super::*;

impl Generator<'_> {
    /// The boxed type a field holds values of (through vectors), if any.
    pub(super) fn held_type(&self, k: &Kind) -> Option<String> {
        match k {
            Kind::Enum(name) => Some(name.clone()),
            Kind::BareCtor(idx) => Some(self.defs[*idx].def.ty.full_name()),
            Kind::Vector { inner, .. } => self.held_type(inner),
            _ => None,
        }
    }

    /// Whether a constructor has a field whose values can hold users or chats.
    pub(super) fn ctor_carries(&self, idx: usize, carries: &HashSet<String>) -> bool {
        self.defs[idx].def.params.iter().any(|p| match &p.kind {
            ParameterKind::Normal { ty, .. } => self
                .held_type(&self.field_kind(ty))
                .is_some_and(|t| carries.contains(&t)),
            ParameterKind::Flags => false,
        })
    }

    /// The fixpoint of "can hold a User or a Chat", from `User` and `Chat`.
    pub(super) fn peer_carriers(&self) -> HashSet<String> {
        let mut carries: HashSet<String> = ["User", "Chat"].map(String::from).into();
        loop {
            let more: Vec<String> = self
                .ctors_by_type
                .iter()
                .filter(|(name, _)| !carries.contains(*name))
                .filter(|(_, ctors)| ctors.iter().any(|&i| self.ctor_carries(i, &carries)))
                .map(|(name, _)| name.clone())
                .collect();
            if more.is_empty() {
                return carries;
            }
            carries.extend(more);
        }
    }

    /// The `Peers` impl of constructor `idx`'s struct: a walk of the fields that
    /// can hold users or chats, or nothing.
    pub(super) fn peers_impl(&self, idx: usize, ident: &Ident) -> TokenStream {
        let walk: Vec<TokenStream> = self.defs[idx]
            .def
            .params
            .iter()
            .filter_map(|p| match &p.kind {
                ParameterKind::Normal { ty, .. } => self
                    .held_type(&self.field_kind(ty))
                    .filter(|t| self.carries.contains(t))
                    .map(|_| {
                        let field = field_ident(&p.name);
                        quote!(crate::Peers::collect_peers(&self.#field, users, chats);)
                    }),
                ParameterKind::Flags => None,
            })
            .collect();
        if walk.is_empty() {
            return quote!(impl crate::Peers for #ident {});
        }
        let inline = inline_attr();
        quote! {
            impl crate::Peers for #ident {
                #inline
                fn collect_peers<'a>(
                    &'a self,
                    users: &mut Vec<&'a crate::enums::User>,
                    chats: &mut Vec<&'a crate::enums::Chat>,
                ) {
                    #(#walk)*
                }
            }
        }
    }

    /// The `Peers` impl of a boxed type's enum: `User` and `Chat` are peers
    /// themselves; other carriers walk the variants that can hold some.
    pub(super) fn enum_peers_impl(
        &self,
        full: &str,
        ctors: &[usize],
        variants: &[Ident],
        ident: &Ident,
    ) -> TokenStream {
        let inline = inline_attr();
        let sig = quote!(#inline fn collect_peers<'a>(
            &'a self,
            users: &mut Vec<&'a crate::enums::User>,
            chats: &mut Vec<&'a crate::enums::Chat>,
        ));
        match full {
            "User" => {
                return quote!(impl crate::Peers for #ident { #sig { let _ = chats; users.push(self); } });
            }
            "Chat" => {
                return quote!(impl crate::Peers for #ident { #sig { let _ = users; chats.push(self); } });
            }
            _ => {}
        }
        if !self.carries.contains(full) {
            return quote!(impl crate::Peers for #ident {});
        }
        let arms: Vec<TokenStream> = ctors
            .iter()
            .zip(variants)
            .filter(|(i, _)| self.ctor_carries(**i, &self.carries))
            .map(|(_, var)| quote!(Self::#var(x) => crate::Peers::collect_peers(x, users, chats),))
            .collect();
        quote! {
            impl crate::Peers for #ident {
                #sig {
                    #[allow(unreachable_patterns, clippy::single_match)]
                    match self {
                        #(#arms)*
                        _ => {}
                    }
                }
            }
        }
    }
}
