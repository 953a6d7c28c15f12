import { PageHeader } from '../../components/PageHeader';
import { ConnectionForm } from './ConnectionForm';
import { PreferencesForm } from './PreferencesForm';

export function SettingsPage() {
  return (
    <>
      <PageHeader title="Settings" description="Stored in this browser only." />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <ConnectionForm />
        <PreferencesForm />
      </div>
    </>
  );
}
