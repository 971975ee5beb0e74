import { useId, useState, type FormEvent } from 'react';

export interface IdentitySearch {
  field: 'externalId' | 'label';
  value: string;
}

/** The list's query for a search: the API matches an external id or a label exactly. */
export function searchQuery(search: IdentitySearch | null): { externalId?: string; label?: string } {
  return search ? { [search.field]: search.value } : {};
}

export function IdentitySearchForm({
  active,
  onSearch,
}: {
  active: IdentitySearch | null;
  onSearch: (search: IdentitySearch | null) => void;
}) {
  const [field, setField] = useState<IdentitySearch['field']>(active?.field ?? 'externalId');
  const [value, setValue] = useState(active?.value ?? '');
  const fieldId = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSearch(value.trim() ? { field, value: value.trim() } : null);
  };
  return (
    <form className="toolbar" role="search" aria-label="Find identities" onSubmit={submit}>
      {/* Not a wrapping <label>: its name would include the options' text and clash with the create form's fields. */}
      <div className="field field-inline">
        <label htmlFor={fieldId}>Find by</label>
        <select id={fieldId} value={field} onChange={(e) => setField(e.target.value as IdentitySearch['field'])}>
          <option value="externalId">external id</option>
          <option value="label">label</option>
        </select>
        <input
          type="search"
          aria-label={`Value to find (${field === 'externalId' ? 'external id' : 'label'}, exact)`}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder="exact value, e.g. user-42"
          maxLength={200}
        />
      </div>
      <div className="button-row" style={{ marginTop: 0 }}>
        <button type="submit" className="button button-small">
          Find
        </button>
        {active && (
          <button
            type="button"
            className="button button-small button-secondary"
            onClick={() => {
              setValue('');
              onSearch(null);
            }}
          >
            Show all
          </button>
        )}
      </div>
    </form>
  );
}
