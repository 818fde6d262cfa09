//! Undo and redo over the versions of a recipe.

use super::Recipe;

/// The versions of a recipe the user has been through; the current one is `states[at]`.
#[derive(Debug, Clone)]
pub struct History {
    states: Vec<Recipe>,
    at: usize,
}

/// Versions kept for undo.
const LIMIT: usize = 200;

impl History {
    pub fn new(recipe: Recipe) -> Self {
        History {
            states: vec![recipe],
            at: 0,
        }
    }

    pub fn current(&self) -> &Recipe {
        &self.states[self.at]
    }

    /// Records an edit: the new version becomes current and the redo list is dropped.
    /// An edit that changes nothing is not recorded.
    pub fn push(&mut self, recipe: Recipe) {
        if recipe == *self.current() {
            return;
        }
        self.states.truncate(self.at + 1);
        self.states.push(recipe);
        if self.states.len() > LIMIT {
            self.states.remove(0);
        }
        self.at = self.states.len() - 1;
    }

    /// Applies `edit` to a copy of the current version and records it.
    pub fn edit(&mut self, edit: impl FnOnce(&mut Recipe)) {
        let mut r = self.current().clone();
        edit(&mut r);
        self.push(r);
    }

    pub fn can_undo(&self) -> bool {
        self.at > 0
    }

    pub fn can_redo(&self) -> bool {
        self.at + 1 < self.states.len()
    }

    pub fn undo(&mut self) -> bool {
        let ok = self.can_undo();
        if ok {
            self.at -= 1;
        }
        ok
    }

    pub fn redo(&mut self) -> bool {
        let ok = self.can_redo();
        if ok {
            self.at += 1;
        }
        ok
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Formula, Step};
    use super::*;

    fn drop(cond: &str) -> Step {
        Step::DropRows {
            condition: Formula::parse(cond).unwrap(),
        }
    }

    #[test]
    fn undo_redo() {
        let mut h = History::new(Recipe::default());
        assert!(!h.can_undo() && !h.can_redo());
        h.edit(|r| r.steps.push(super::super::RecipeStep::new(drop("a > 1"))));
        h.edit(|r| r.steps[0].enabled = false);
        assert_eq!(h.current().steps.len(), 1);
        assert!(!h.current().steps[0].enabled);
        assert!(h.undo());
        assert!(h.current().steps[0].enabled);
        assert!(h.undo());
        assert!(h.current().steps.is_empty());
        assert!(!h.undo());
        assert!(h.redo());
        assert_eq!(h.current().steps.len(), 1);
        // A new edit drops what could have been redone.
        h.edit(|r| r.steps.push(super::super::RecipeStep::new(drop("b > 1"))));
        assert!(!h.can_redo());
        assert_eq!(h.current().steps.len(), 2);
        // No-op edits are not versions.
        h.edit(|_| {});
        assert!(h.undo());
        assert_eq!(h.current().steps.len(), 1);
    }
}
