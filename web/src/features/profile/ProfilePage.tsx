import { useSession } from '../../lib/services'
import { StaffSection } from '../users/UsersPage'
import { NotificationSettings } from './NotificationSettings'
import './profile.css'

/** ProfilePage: the signed-in user's own account and notification choices. */
export function ProfilePage() {
  const user = useSession()?.user
  return (
    <div className="page profile">
      <div className="page-head">
        <h1>Your profile</h1>
        {user && (
          <p>
            {user.name} · {user.email} · {user.role}
          </p>
        )}
      </div>
      <StaffSection />
      <NotificationSettings />
    </div>
  )
}
