/**
 * The hub's published packs as its pages see them: `GET /api/packs` answers the words fleet
 * views show for ids, from the newest stored version of each pack. `PUT /api/packs` (authors
 * and admins) takes a pack's JSON and answers `PackAdded`.
 */

/** Titles of a pack and its aids, and texts of its steps (plain text, no markdown). */
export interface PackNames {
  id: string;
  /** The newest stored version, whose words these are. */
  version: string;
  title: string;
  aids: {
    id: string;
    /** 'pack/aid', as events name it. */
    key: string;
    title: string;
    kind: string;
    /** Checklists' steps in their order; [] for other kinds. */
    steps: { id: string; text: string }[];
  }[];
}

export interface PackNamesAnswer {
  packs: PackNames[];
}

/** 201 when stored, 200 when that version was already stored with the same content. */
export interface PackAdded {
  id: string;
  version: string;
  added: boolean;
}
